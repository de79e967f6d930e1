# The local half of an Exchange 2003/2007 server's inventory: its paths from the registry and
# the appmgr engine's service account. The directory half (server object, storage groups,
# stores, SMTP bindings) is read by the console over LDAP (core/directory/ldap_exchange.py):
# ADSI in this WinRM session would have no credentials to reach a DC (the double hop).
$set = Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Exchange\Setup' -ErrorAction Ignore
if (-not $set) { ConvertTo-Json -InputObject @{exchange = $null} -Compress; return }
$mta = Get-ItemProperty 'HKLM:\SYSTEM\CurrentControlSet\Services\MSExchangeMTA\Parameters' -ErrorAction Ignore
$eng = Get-WmiObject Win32_Service -Filter "Name='AppMgrEngine'"
$o = @{mta_path = "$($mta.'MTA database path')"; program_path = "$(if ($set.MsiInstallPath) { $set.MsiInstallPath } else { $set.Services })"
  service_account = "$($eng.StartName)"}
ConvertTo-Json -InputObject @{exchange = $o} -Compress
