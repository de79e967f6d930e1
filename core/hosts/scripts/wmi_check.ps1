# Application monitoring's Test: can this account query WMI (root\cimv2) here?
# The built-in checks read the application's services through Win32_Service.
$s = @(Get-WmiObject -Namespace 'root\cimv2' -Class Win32_Service | ForEach-Object {
  @{name = $_.Name; state = "$($_.State)"} })
ConvertTo-Json -InputObject @{namespace = 'root\cimv2'; services = $s} -Depth 4 -Compress
