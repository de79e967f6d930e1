# Is the appmgr engine installed (service + registry key) and running?
$svc = Get-Service AppMgrEngine -ErrorAction Ignore
$reg = Get-ItemProperty 'HKLM:\SOFTWARE\appmgr\Engine' -ErrorAction Ignore
$eng = @{installed = [bool]$svc; running = [bool]($svc -and $svc.Status -eq 'Running')
  version = "$($reg.Version)"; port = $(if ($reg.Port) { [int]$reg.Port } else { 6320 })}
ConvertTo-Json -InputObject $eng -Compress
