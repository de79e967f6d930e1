# Share a directory (idempotent when the same name already shares the same path).
if (-not (Test-Path -LiteralPath $p.path -PathType Container)) {
  throw (New-Object IO.DirectoryNotFoundException "The system cannot find the path specified: $($p.path)") }
$n = $p.name -replace '\\', '\\' -replace "'", "\'"
$old = Get-WmiObject Win32_Share -Filter "Name='$n'"
$created = $false
if ($old) {
  if ($old.Path -ne $p.path) { throw "The share name $($p.name) is already in use for $($old.Path)" }
} else {
  $r = ([wmiclass]'Win32_Share').Create($p.path, $p.name, 0, $null, $p.description)
  $rv = [int]$r.ReturnValue
  if ($rv -eq 2) { throw (New-Object UnauthorizedAccessException "Access is denied (share $($p.name))") }
  if ($rv -ne 0) { throw "Windows could not create the share $($p.name) (Win32_Share error $rv)" }
  $created = $true
}
ConvertTo-Json -InputObject @{name = $p.name; path = $p.path; description = $p.description; created = $created} -Compress
