# Write a text file, creating its folder (the Generic Script a cluster resource runs).
# Writing the same text again changes nothing (written = false).
$dir = Split-Path -Parent $p.path
if ($dir -and -not (Test-Path -LiteralPath $dir)) { New-Item -ItemType Directory -Path $dir -Force | Out-Null }
$old = $null
if (Test-Path -LiteralPath $p.path -PathType Leaf) { $old = [IO.File]::ReadAllText($p.path) }
$written = ($old -cne [string]$p.text)
if ($written) { [IO.File]::WriteAllText($p.path, [string]$p.text) }
ConvertTo-Json -InputObject @{path = $p.path; written = $written} -Compress
