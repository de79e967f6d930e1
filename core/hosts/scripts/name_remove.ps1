# Stop answering to a computer name name_add added (idempotent when it is not there).
$k = 'HKLM:\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters'
$name = "$($p.name)".ToUpper()
$old = @((Get-ItemProperty -LiteralPath $k -ErrorAction Ignore).OptionalNames | Where-Object { $_ })
$names = @($old | Where-Object { $_ -ne $name })
if ($names.Count -ne $old.Count) {
  Set-ItemProperty -LiteralPath $k -Name OptionalNames -Value ([string[]]$names) -Type MultiString
  Restart-Service -Name LanmanServer -Force }
ConvertTo-Json -InputObject @{names = [string[]]$names; removed = ($names.Count -ne $old.Count)} -Compress
