# Detach one database from a SQL Server instance; its files stay where they are.
# Users are disconnected first (SINGLE_USER WITH ROLLBACK IMMEDIATE), as Fix detach needs.
# if_present: a database that is not attached is not an error (a failback step run twice).
# DB_ID works on SQL Server 2000 and later.
$h = if ($p.server) { [string]$p.server } else { '.' }
$i = if ($p.instance -eq 'MSSQLSERVER') { $h } else { "$h\$($p.instance)" }
$c = New-Object System.Data.SqlClient.SqlConnection "Server=$i;Integrated Security=True;Connect Timeout=10"
$c.Open()
try {
  $q = $c.CreateCommand()
  $q.CommandTimeout = 60
  [void]$q.Parameters.AddWithValue('@n', [string]$p.database)
  $q.CommandText = "SELECT DB_ID(@n)"
  if ($p.if_present -and ($q.ExecuteScalar() -is [DBNull])) {
    ConvertTo-Json -InputObject @{instance = $p.instance; database = $p.database; detached = $false} -Compress
    return
  }
  $db = ([string]$p.database) -replace ']', ']]'
  $q.CommandText = "ALTER DATABASE [$db] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; EXEC master.dbo.sp_detach_db @dbname = @n"
  [void]$q.ExecuteNonQuery()
} finally { $c.Close() }
ConvertTo-Json -InputObject @{instance = $p.instance; database = $p.database; detached = $true} -Compress
