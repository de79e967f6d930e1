# Does each path exist? (a malformed path counts as missing, never as an error)
$r = @(foreach ($x in @($p.paths)) {
  $e = $false
  if ($x) { try { $e = [bool](Test-Path -LiteralPath $x) } catch { $e = $false } }
  @{path = $x; exists = $e} })
ConvertTo-Json -InputObject @{results = $r} -Depth 5 -Compress
