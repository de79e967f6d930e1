# Detach one database from a SQL Server instance; its files stay where they are.
# Users are disconnected first (SINGLE_USER WITH ROLLBACK IMMEDIATE), as Fix detach needs.
$h = if ($p.server) { [string]$p.server } else { '.' }
$i = if ($p.instance -eq 'MSSQLSERVER') { $h } else { "$h\$($p.instance)" }
$c = New-Object System.Data.SqlClient.SqlConnection "Server=$i;Integrated Security=True;Connect Timeout=10"
$c.Open()
try {
  $q = $c.CreateCommand()
  $q.CommandTimeout = 60
  $db = ([string]$p.database) -replace ']', ']]'
  $q.CommandText = "ALTER DATABASE [$db] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; EXEC master.dbo.sp_detach_db @dbname = @n"
  [void]$q.Parameters.AddWithValue('@n', [string]$p.database)
  [void]$q.ExecuteNonQuery()
} finally { $c.Close() }
ConvertTo-Json -InputObject @{instance = $p.instance; database = $p.database; detached = $true} -Compress
