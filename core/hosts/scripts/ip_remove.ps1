# Remove an IPv4 address this server took over (identity failback).
$ip = [string]$p.ip
$cfg = @(Get-WmiObject Win32_NetworkAdapterConfiguration -Filter 'IPEnabled=TRUE') | Where-Object { $_.IPAddress -contains $ip } | Select-Object -First 1
if (-not $cfg) { throw "The address $ip is not assigned to this server" }
$nic = (Get-WmiObject Win32_NetworkAdapter -Filter "DeviceID='$($cfg.Index)'").NetConnectionID
$out = & netsh.exe interface ipv4 delete address "name=$nic" "address=$ip"
if ($LASTEXITCODE -ne 0) { throw "netsh could not remove $ip from ${nic}: $(($out | Out-String).Trim())" }
ConvertTo-Json -InputObject @{ip = $ip; nic = $nic; removed = $true} -Compress
