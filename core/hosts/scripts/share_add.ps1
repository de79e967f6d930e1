# Share a directory (idempotent when the same name already shares the same path), with the
# permissions of the source's share it stands in for (a share that exists keeps its own).
if (-not (Test-Path -LiteralPath $p.path -PathType Container)) {
  throw (New-Object IO.DirectoryNotFoundException "The system cannot find the path specified: $($p.path)") }
$n = $p.name -replace '\\', '\\' -replace "'", "\'"
$old = Get-WmiObject Win32_Share -Filter "Name='$n'"
$created = $false
if ($old) {
  if ($old.Path -ne $p.path) { throw "The share name $($p.name) is already in use for $($old.Path)" }
} else {
  # the source's share permissions (grants: ACCOUNT:FULL|CHANGE|READ). An account this server
  # cannot resolve (the source's local accounts) is left out; none left: Windows' default.
  $acl = @(foreach ($g in @($p.grants)) { try {
    $a, $x = "$g" -split ':', 2
    $sid = (New-Object Security.Principal.NTAccount $a).Translate([Security.Principal.SecurityIdentifier])
    $b = New-Object byte[] $sid.BinaryLength; $sid.GetBinaryForm($b, 0)
    $t = ([wmiclass]'Win32_Trustee').CreateInstance(); $t.SID = $b
    $e = ([wmiclass]'Win32_ACE').CreateInstance(); $e.Trustee = $t; $e.AceType = 0; $e.AceFlags = 0
    $e.AccessMask = @{FULL = 2032127; CHANGE = 1245631; READ = 1179817}[$x.ToUpper()]; $e } catch { } })
  $sd = $null
  if ($acl) { $sd = ([wmiclass]'Win32_SecurityDescriptor').CreateInstance(); $sd.ControlFlags = 4; $sd.DACL = $acl }
  $r = ([wmiclass]'Win32_Share').Create($p.path, $p.name, 0, $null, $p.description, $null, $sd)
  $rv = [int]$r.ReturnValue
  if ($rv -eq 2) { throw (New-Object UnauthorizedAccessException "Access is denied (share $($p.name))") }
  if ($rv -ne 0) { throw "Windows could not create the share $($p.name) (Win32_Share error $rv)" }
  $created = $true
}
ConvertTo-Json -InputObject @{name = $p.name; path = $p.path; description = $p.description; created = $created} -Compress
