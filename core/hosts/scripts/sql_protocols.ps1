# Enable (and/or disable) client protocols of one SQL Server instance through its WMI
# provider (tcp = Tcp, np = Np, sm = Sm), then restart the instance so they take effect.
$names = @{tcp = 'Tcp'; np = 'Np'; sm = 'Sm'}
$ns = Get-WmiObject -Namespace root\Microsoft\SqlServer -Class __Namespace |
  Where-Object { $_.Name -like 'ComputerManagement*' } | Sort-Object Name -Descending | Select-Object -First 1
if (-not $ns) { throw "SQL Server WMI provider not found" }
$path = "root\Microsoft\SqlServer\$($ns.Name)"
$set = @()
foreach ($x in @($p.enable)) { if ($x) { $set += ,@($names[[string]$x], 1) } }
foreach ($x in @($p.disable)) { if ($x) { $set += ,@($names[[string]$x], 0) } }
foreach ($s in $set) {
  $proto = Get-WmiObject -Namespace $path -Class ServerNetworkProtocol -Filter "InstanceName='$($p.instance)' AND ProtocolName='$($s[0])'"
  if (-not $proto) { throw "instance $($p.instance) has no protocol $($s[0])" }
  if ($s[1]) { [void]$proto.SetEnable() } else { [void]$proto.SetDisable() }
}
$svc = if ($p.instance -eq 'MSSQLSERVER') { 'MSSQLSERVER' } else { "MSSQL`$$($p.instance)" }
if ($p.restart) { Restart-Service -Name $svc -Force }
$on = @(Get-WmiObject -Namespace $path -Class ServerNetworkProtocol -Filter "InstanceName='$($p.instance)'" |
  Where-Object { $_.Enabled } | ForEach-Object { $_.ProtocolName.ToLower() })
ConvertTo-Json -InputObject @{instance = $p.instance; enabled = $on; restarted = [bool]$p.restart} -Compress
