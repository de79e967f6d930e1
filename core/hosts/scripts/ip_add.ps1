# Add an IPv4 address to an adapter (identity failover: the failed source's address).
# netsh works on every Windows Server from 2008 on; its output is read, never redirected
# with 2>&1 (under ErrorActionPreference Stop that would throw on any stderr text).
$ip = [string]$p.ip
$bits = [uint32]0
if ($p.prefix -gt 0) { $bits = [uint32]([math]::Pow(2, 32) - [math]::Pow(2, 32 - [int]$p.prefix)) }
$b = [BitConverter]::GetBytes($bits)
$mask = "$($b[3]).$($b[2]).$($b[1]).$($b[0])"
$cfgs = @(Get-WmiObject Win32_NetworkAdapterConfiguration -Filter 'IPEnabled=TRUE')
$has = $cfgs | Where-Object { $_.IPAddress -contains $ip }
$nic = [string]$p.nic
if (-not $nic) {
  $first = $cfgs | Select-Object -First 1
  $nic = (Get-WmiObject Win32_NetworkAdapter -Filter "DeviceID='$($first.Index)'").NetConnectionID }
if (-not $has) {
  $out = & netsh.exe interface ipv4 add address "name=$nic" "address=$ip" "mask=$mask"
  if ($LASTEXITCODE -ne 0) { throw "netsh could not add $ip to ${nic}: $(($out | Out-String).Trim())" } }
ConvertTo-Json -InputObject @{ip = $ip; nic = $nic; added = (-not $has)} -Compress
