# Answer to another computer name (the failed-over source's): the Server service's
# OptionalNames, with strict name checking off so SMB accepts the name. The Server
# service reads them when it starts, so it is restarted when the list changed.
$k = 'HKLM:\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters'
$name = "$($p.name)".ToUpper()
$old = @((Get-ItemProperty -LiteralPath $k -ErrorAction Ignore).OptionalNames | Where-Object { $_ })
$names = @($old | Where-Object { $_ -ne $name }) + $name
if ($names.Count -ne $old.Count) {
  Set-ItemProperty -LiteralPath $k -Name OptionalNames -Value ([string[]]$names) -Type MultiString
  Set-ItemProperty -LiteralPath $k -Name DisableStrictNameChecking -Value 1 -Type DWord
  Restart-Service -Name LanmanServer -Force }
ConvertTo-Json -InputObject @{names = [string[]]$names; added = ($names.Count -ne $old.Count)} -Compress
