# Stop sharing one share (the directory and its files stay).
$n = $p.name -replace '\\', '\\' -replace "'", "\'"
$s = Get-WmiObject Win32_Share -Filter "Name='$n'"
if (-not $s) { throw (New-Object Management.Automation.ItemNotFoundException "This shared resource does not exist: $($p.name)") }
$rv = [int]$s.Delete().ReturnValue
if ($rv -eq 2) { throw (New-Object UnauthorizedAccessException "Access is denied (share $($p.name))") }
if ($rv -ne 0) { throw "Windows could not remove the share $($p.name) (Win32_Share error $rv)" }
ConvertTo-Json -InputObject @{name = $p.name; removed = $true} -Compress
