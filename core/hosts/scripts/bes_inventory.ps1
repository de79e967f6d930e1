# BlackBerry Enterprise Server: the version of its Controller service's program and the
# management database it uses (registry; 32-bit BES on 64-bit Windows is under Wow6432Node).
$k = @('SOFTWARE', 'SOFTWARE\Wow6432Node') | ForEach-Object {
  Get-ItemProperty "HKLM:\$_\Research In Motion\BlackBerry Enterprise Server\Database" -ErrorAction Ignore } | Select-Object -First 1
$svc = Get-WmiObject Win32_Service -Filter "Name='BlackBerry Controller'"
if (-not $k -or -not $svc) { ConvertTo-Json -InputObject @{blackberry = $null} -Compress; return }
$exe = if ($svc.PathName -match '^"([^"]+)"') { $matches[1] } else { ($svc.PathName -split ' ')[0] }
$v = try { (Get-Item -LiteralPath $exe).VersionInfo.ProductVersion } catch { '' }
$o = @{version = "$v"; db_server = "$($k.DatabaseServerMachineName)"; db_name = "$($k.DatabaseName)"; host = $env:COMPUTERNAME}
ConvertTo-Json -InputObject @{blackberry = $o} -Compress
