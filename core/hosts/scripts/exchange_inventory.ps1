# The Exchange 2003/2007 server $p.server as Active Directory describes it (configuration
# NC over ADSI: storage groups, stores, SMTP bindings), plus local paths from the registry.
$cfg = "$(([ADSI]'LDAP://RootDSE').configurationNamingContext)"
function Find($base, $f, $one) {
  $s = New-Object DirectoryServices.DirectorySearcher([ADSI]"LDAP://$base", $f)
  if ($one) { $s.SearchScope = 'OneLevel' }
  $s.PageSize = 500; @($s.FindAll())
}
function V($r, $a) { $x = $r.Properties[$a.ToLower()]; if ($x.Count) { "$($x[0])" } else { '' } }
$n = $p.server -replace '[\\*()]', ''
$sv = Find $cfg "(&(objectClass=msExchExchangeServer)(cn=$n))"
if (-not $sv) { ConvertTo-Json -InputObject @{exchange = $null} -Compress; return }
$dn = V $sv[0] 'distinguishedName'
$sgs = @(foreach ($g in (Find $dn '(objectClass=msExchStorageGroup)')) {
  @{name = V $g 'cn'; prefix = V $g 'msExchESEParamBaseName'; log_path = V $g 'msExchESEParamLogFilePath'
    system_path = V $g 'msExchESEParamSystemPath'
    stores = @(foreach ($m in (Find (V $g 'distinguishedName') '(|(objectClass=msExchPrivateMDB)(objectClass=msExchPublicMDB))' 1)) {
      @{name = V $m 'cn'; public = [bool]($m.Properties['objectclass'] -contains 'msExchPublicMDB')
        edb = V $m 'msExchEDBFile'; stm = V $m 'msExchSLVFile'} })} })
$vs = Find $dn '(|(objectClass=protocolCfgSMTPServer)(objectClass=msExchSmtpReceiveConnector))'
$bind = @(foreach ($b in $vs) { foreach ($a in 'msexchserverbindings', 'msexchsmtpreceivebindings') { $b.Properties[$a] | ForEach-Object { "$_" } } })
$q = @($vs | ForEach-Object { V $_ 'msExchSmtpQueueDirectory' } | Where-Object { $_ })
$set = Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Exchange\Setup' -ErrorAction Ignore
$mta = Get-ItemProperty 'HKLM:\SYSTEM\CurrentControlSet\Services\MSExchangeMTA\Parameters' -ErrorAction Ignore
$eng = Get-WmiObject Win32_Service -Filter "Name='AppMgrEngine'"
$o = @{name = V $sv[0] 'cn'; dn = $dn; serial = V $sv[0] 'serialNumber'; roles = [int]("0" + (V $sv[0] 'msExchCurrentServerRoles'))
  storage_groups = $sgs; bindings = $bind; queue_path = "$($q | Select-Object -First 1)"
  mta_path = "$($mta.'MTA database path')"; program_path = "$(if ($set.MsiInstallPath) { $set.MsiInstallPath } else { $set.Services })"
  service_account = "$($eng.StartName)"}
ConvertTo-Json -InputObject @{exchange = $o} -Depth 6 -Compress
