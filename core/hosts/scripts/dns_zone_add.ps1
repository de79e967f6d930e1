# Create an AD-integrated primary zone (e.g. a reverse lookup zone) on this DNS server;
# "secure" allows secure dynamic updates only. dnscmd exists on Windows 2003 and later.
$z = [string]$p.zone
if ($z -notmatch '^[A-Za-z0-9.-]+$') { throw "not a zone name: $z" }
$out = & dnscmd.exe . /ZoneAdd $z /DsPrimary 2>&1
if ($LASTEXITCODE -ne 0 -and "$out" -notmatch 'ZONE_ALREADY_EXISTS|9609') { throw "dnscmd /ZoneAdd: $out" }
$created = $LASTEXITCODE -eq 0
$mode = if ($p.secure) { 2 } else { 1 }
$out = & dnscmd.exe . /Config $z /AllowUpdate $mode 2>&1
if ($LASTEXITCODE -ne 0) { throw "dnscmd /Config: $out" }
ConvertTo-Json -InputObject @{zone = $z; created = $created; secure = [bool]$p.secure} -Compress
