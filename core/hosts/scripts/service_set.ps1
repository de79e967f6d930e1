# Start or stop one service and wait (bounded) until it reaches that state.
# ServiceController's Start()/Stop() return at once; Start-Service would wait unbounded.
$s = Get-Service -Name $p.name
$want = if ($p.running) { 'Running' } else { 'Stopped' }
$t = [TimeSpan]::FromSeconds([int]$p.timeout)
try {
  if ($s.Status -ne $want) {
    if ($p.running) { $s.Start() } else {
      foreach ($d in $s.DependentServices) {
        if ($d.Status -ne 'Stopped') { $d.Stop(); $d.WaitForStatus('Stopped', $t) } }
      $s.Stop() }
  }
  $s.WaitForStatus($want, $t)
} catch [System.ServiceProcess.TimeoutException] {
  throw "Service $($s.Name) did not reach the $want state within $($p.timeout) seconds"
}
$s.Refresh()
ConvertTo-Json -InputObject @{name = $s.Name; state = "$($s.Status)"} -Compress
