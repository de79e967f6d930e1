# Make a service run as LocalSystem (the only account appmgr sets: no password travels),
# then restart it when it was running so the change takes effect.
if ($p.account -ne 'LocalSystem') { throw "appmgr sets only LocalSystem, not $($p.account)" }
$s = Get-WmiObject -Class Win32_Service -Filter "Name='$($p.name)'"
if (-not $s) { throw "Cannot find any service with service name '$($p.name)'." }
$r = $s.Change($null, $null, $null, $null, $null, $null, 'LocalSystem', '')
if ($r.ReturnValue -ne 0) { throw "Win32_Service.Change returned $($r.ReturnValue)" }
$was = $s.State -eq 'Running'
if ($was) { Restart-Service -Name $p.name -Force }
ConvertTo-Json -InputObject @{name = $p.name; account = 'LocalSystem'; restarted = $was} -Compress
