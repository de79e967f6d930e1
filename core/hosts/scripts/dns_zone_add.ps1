# Create an AD-integrated primary zone (e.g. a reverse lookup zone) on this DNS server;
# "secure" allows secure dynamic updates only. dnscmd exists on Windows 2003 and later.
# dnscmd runs with ErrorActionPreference Continue in N (its stderr would throw under Stop).
$z = [string]$p.zone
if ($z -notmatch '^[A-Za-z0-9.-]+$') { throw "not a zone name: $z" }
function N { $ErrorActionPreference = 'Continue'; $c, $a = $args; $o = (& $c @a 2>&1 | ForEach-Object { "$_" }) -join ' '; @($LASTEXITCODE, $o) }
$rc, $out = N dnscmd.exe . /ZoneAdd $z /DsPrimary
if ($rc -ne 0 -and $out -notmatch 'ZONE_ALREADY_EXISTS|9609|already exists') { throw "dnscmd /ZoneAdd: $out" }
$created = $rc -eq 0
$mode = if ($p.secure) { 2 } else { 1 }
$rc, $out = N dnscmd.exe . /Config $z /AllowUpdate $mode
if ($rc -ne 0) { throw "dnscmd /Config: $out" }
ConvertTo-Json -InputObject @{zone = $z; created = $created; secure = [bool]$p.secure} -Compress
