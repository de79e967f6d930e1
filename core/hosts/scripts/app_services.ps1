# Application monitoring's built-in check (F-6.2), run by the target's engine:
# the states of the pair's services on the source, read over WMI (Win32_Service).
$f = @($p.names | ForEach-Object { "Name='" + ($_ -replace "'", "''") + "'" }) -join ' OR '
$w = Get-WmiObject -ComputerName $p.computer -Namespace 'root\cimv2' -Class Win32_Service -Filter $f
$s = @($w | ForEach-Object { @{name = $_.Name; state = "$($_.State)"} })
ConvertTo-Json -InputObject @{computer = $p.computer; services = $s} -Depth 4 -Compress
