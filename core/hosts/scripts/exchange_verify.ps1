# Verify Target Data (F-11) for one Exchange store: copy its files and its storage group's
# logs out of the target's snapshot (snapshot: the tree whose first folder is the drive
# letter), replay the logs into the copy (eseutil /r, soft recovery), then the copy must be
# in Clean Shutdown (eseutil /mh: a store that mounts) and every page checksum must hold
# (eseutil /k). The replicated files are only read: the mirror goes on. Not a mount in a
# recovery storage group: Clean Shutdown with good pages is what mounting needs.
function E { $ErrorActionPreference = 'Continue'; $o = & $args[0] @($args[1..($args.Count - 1)]) 2>&1 | Out-String; @($LASTEXITCODE, $o) }
$x = Join-Path $env:ExchangeInstallPath 'Bin\eseutil.exe'
if (-not (Test-Path -LiteralPath $x)) { $x = 'eseutil.exe' }
$t = [string]$p.snapshot
$f = @($p.files | ForEach-Object { [string]$_ })
if (-not $f) { throw "no files given for store $($p.store)" }
$r = @{store = $p.store; usable = $false; errors = @(); pages = 0}
$w = Join-Path (Split-Path -Parent $t) ("verify\" + ([string]$p.store -replace '[\\/:*?"<>|]', '_'))
$l = Join-Path $w 'logs'
[void](New-Item -ItemType Directory -Force -Path $l)
try {
  $src = Join-Path $t (([string]$p.logs).Substring(0, 1) + ([string]$p.logs).Substring(2))
  Get-ChildItem -LiteralPath $src -Filter "$($p.prefix)*" | Copy-Item -Destination $l
  if (-not (Test-Path -LiteralPath (Join-Path $l "$($p.prefix).chk"))) { $r.errors += "the logs of $($p.store) ($($p.prefix).chk) are not in the snapshot" }
  $edb = ''
  foreach ($v in $f) {
    $s = Join-Path $t ($v.Substring(0, 1) + $v.Substring(2))
    if (-not (Test-Path -LiteralPath $s)) { $r.errors += "$v is not in the snapshot (not replicated yet?)"; continue }
    Copy-Item -LiteralPath $s -Destination $w
    if ($v -match '\.edb$') { $edb = Join-Path $w (Split-Path -Leaf $v) }
  }
  if ($edb -and -not $r.errors) {
    $o = E $x /r $p.prefix /l $l /s $l /d $w /i
    if ($o[0] -ne 0) { $r.errors += "eseutil /r exit $($o[0]): the logs do not replay into the copy" }
    $o = E $x /mh $edb
    if ($o[1] -notmatch 'State:\s*Clean Shutdown') { $r.errors += "the copy is not in Clean Shutdown after its logs were replayed: it would not mount" }
    $o = E $x /k $edb
    if ($o[1] -match '(\d+) pages seen') { $r.pages = [long]$Matches[1] }
    if ($o[0] -ne 0) { $r.errors += "eseutil /k exit $($o[0]): " + (($o[1] -split "`n" | Where-Object { $_ -match 'error|bad|mismatch' }) -join ' ').Trim() }
  }
} finally { Remove-Item -LiteralPath $w -Recurse -Force -ErrorAction SilentlyContinue }
$r.usable = ($r.errors.Count -eq 0)
ConvertTo-Json -InputObject $r -Compress
