# Verify Target Data (F-11) for one Exchange store: eseutil /k checks every page checksum of
# the store's files in the target's snapshot (snapshot: the tree whose first folder is the
# drive letter). eseutil only reads them: the replicated files and the mirror are untouched.
# Not a mount in a recovery storage group: a store copy with pages that check can be mounted
# once its logs are replayed (eseutil /r), which failover does.
function E { $ErrorActionPreference = 'Continue'; $o = & $args[0] @($args[1..($args.Count - 1)]) 2>&1 | Out-String; @($LASTEXITCODE, $o) }
$x = Join-Path $env:ExchangeInstallPath 'Bin\eseutil.exe'
if (-not (Test-Path -LiteralPath $x)) { $x = 'eseutil.exe' }
$f = @($p.files | ForEach-Object { [string]$_ })
if (-not $f) { throw "no files given for store $($p.store)" }
$r = @{store = $p.store; usable = $false; errors = @(); pages = 0}
foreach ($w in $f) {
  $src = Join-Path ([string]$p.snapshot) ($w.Substring(0, 1) + $w.Substring(2))
  if (-not (Test-Path -LiteralPath $src)) { $r.errors += "$w is not in the snapshot (not replicated yet?)"; continue }
  if ($w -notmatch '\.edb$') { continue }
  $o = E $x /k $src
  if ($o[1] -match '(\d+) pages seen') { $r.pages += [long]$Matches[1] }
  if ($o[0] -ne 0) { $r.errors += "${w}: eseutil /k exit $($o[0]): " + (($o[1] -split "`n" | Where-Object { $_ -match 'error|bad|mismatch' }) -join ' ').Trim() }
}
$r.usable = ($r.errors.Count -eq 0)
ConvertTo-Json -InputObject $r -Compress
