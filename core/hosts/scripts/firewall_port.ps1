# Is inbound TCP port $p.port open in the Windows Firewall (off, or an enabled allow rule)?
# With "open": true add appmgr's allow rule first; false removes it again.
$n = "appmgr TCP $([int]$p.port)"
if ($p.open -eq $true) {
  netsh advfirewall firewall add rule name="$n" dir=in action=allow protocol=TCP localport=$([int]$p.port) | Out-Null
} elseif ($p.open -eq $false) {
  netsh advfirewall firewall delete rule name="$n" | Out-Null
}
$fw = New-Object -ComObject HNetCfg.FwPolicy2
$on = $false
foreach ($t in 1, 2, 4) { if ($fw.FirewallEnabled($t)) { $on = $true } }
$ok = $false
foreach ($r in $fw.Rules) {
  if ($r.Enabled -and $r.Direction -eq 1 -and $r.Action -eq 1 -and ($r.Protocol -eq 6 -or $r.Protocol -eq 256)) {
    $ports = "$($r.LocalPorts)" -split ','
    if ($ports -contains '*' -or $ports -contains "$([int]$p.port)") { $ok = $true; break }
  }
}
ConvertTo-Json -InputObject @{port = [int]$p.port; open = ((-not $on) -or $ok); firewall = $on} -Compress
