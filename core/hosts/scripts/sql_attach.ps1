# Attach one database from its files (the paths as the target sees them) to a SQL Server
# instance: CREATE DATABASE ... FOR ATTACH (a missing file fails there: error 5120, "Unable to
# open the physical file"). Safe to run twice: a database of that name already attached from
# the same files is left alone; one attached from other files is an error.
# SQL Server 2000 and later (sysaltfiles on 2000, sys.master_files on 2005 and later).
$h = if ($p.server) { [string]$p.server } else { '.' }
$i = if ($p.instance -eq 'MSSQLSERVER') { $h } else { "$h\$($p.instance)" }
$f = @($p.files | ForEach-Object { [string]$_ })
if (-not $f) { throw "no files given for database $($p.database)" }
$r = @{instance = $p.instance; database = $p.database; files = $f; attached = $true}
$c = New-Object System.Data.SqlClient.SqlConnection "Server=$i;Integrated Security=True;Connect Timeout=10"
$c.Open()
try {
  $q = $c.CreateCommand()
  $q.CommandTimeout = 300
  [void]$q.Parameters.AddWithValue('@n', [string]$p.database)
  # SQL Server 2000 (ServerVersion 08.xx) has sysaltfiles where 2005 and later have sys.master_files
  $q.CommandText = if ($c.ServerVersion -lt '09') { "SELECT RTRIM(filename) FROM master..sysaltfiles WHERE dbid = DB_ID(@n)" } else { "SELECT physical_name FROM sys.master_files WHERE database_id = DB_ID(@n)" }
  $d = $q.ExecuteReader()
  $have = @(); while ($d.Read()) { $have += $d.GetString(0) }
  $d.Close()
  $other = @($have | Where-Object { $f -notcontains $_ })
  if ($other) { throw "a database named $($p.database) is already attached from $($other[0])" }
  if ($have) { $r.attached = $false } else {
    $on = ($f | ForEach-Object { "(FILENAME = N'" + ($_ -replace "'", "''") + "')" }) -join ','
    $q.CommandText = "CREATE DATABASE [$(([string]$p.database) -replace ']', ']]')] ON $on FOR ATTACH"
    [void]$q.ExecuteNonQuery()
  }
} finally { $c.Close() }
ConvertTo-Json -InputObject $r -Compress
