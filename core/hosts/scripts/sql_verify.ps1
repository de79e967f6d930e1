# Verify Target Data (F-11) for one database: copy its files out of the target's snapshot
# (snapshot: the tree whose first folder is the drive letter), attach the copy under another
# name, run DBCC CHECKDB on it, detach it and delete the copy. The replicated files are only
# read: the mirror goes on. The instance's service account needs read/write on the copy's
# folder (next to the snapshot, removed with it).
$h = if ($p.server) { [string]$p.server } else { '.' }
$i = if ($p.instance -eq 'MSSQLSERVER') { $h } else { "$h\$($p.instance)" }
$f = @($p.files | ForEach-Object { [string]$_ })
if (-not $f) { throw "no files given for database $($p.database)" }
$w = Join-Path (Split-Path -Parent ([string]$p.snapshot)) "verify\$($p.database)"
$n = "$($p.database)_appmgr_verify"
$r = @{instance = $p.instance; database = $p.database; copy = $n; usable = $false; errors = @(); pages = 0}
[void](New-Item -ItemType Directory -Force -Path $w)
$on = @(foreach ($x in $f) {
  $src = Join-Path ([string]$p.snapshot) ($x.Substring(0, 1) + $x.Substring(2))
  $dst = Join-Path $w (Split-Path -Leaf $x)
  Copy-Item -LiteralPath $src -Destination $dst -Force
  "(FILENAME = N'" + ($dst -replace "'", "''") + "')" })
$c = New-Object System.Data.SqlClient.SqlConnection "Server=$i;Integrated Security=True;Connect Timeout=10"
$c.Open()
try {
  $q = $c.CreateCommand()
  $q.CommandTimeout = 3600
  $b = "[" + ($n -replace ']', ']]') + "]"
  try {
    $q.CommandText = "CREATE DATABASE $b ON $($on -join ',') FOR ATTACH"
    [void]$q.ExecuteNonQuery()
    try {
      $q.CommandText = "DBCC CHECKDB ($b) WITH NO_INFOMSGS, ALL_ERRORMSGS, TABLERESULTS"
      $d = $q.ExecuteReader()
      while ($d.Read()) { $r.errors += [string]$d['MessageText'] }
      $d.Close()
    } catch { $r.errors += $_.Exception.Message }
    # sysfiles (SQL Server 2000 and later): each file's size in 8 KiB pages
    $q.CommandText = "SELECT SUM(CAST(size AS bigint)) FROM $b..sysfiles"
    try { $r.pages = [long]$q.ExecuteScalar() } catch { }
    $q.CommandText = "EXEC sp_detach_db @dbname = N'" + ($n -replace "'", "''") + "'"
    [void]$q.ExecuteNonQuery()
  } catch { $r.errors += $_.Exception.Message }
} finally { $c.Close(); Remove-Item -LiteralPath $w -Recurse -Force -ErrorAction SilentlyContinue }
$r.usable = ($r.errors.Count -eq 0)
ConvertTo-Json -InputObject $r -Compress
