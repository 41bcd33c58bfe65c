# Intune Remediations, remediation script: carries out hciattest's activation plan, with the
# journal of every change under ProgramData (undo: hciattest activate --undo <journal>), and
# prints the one-line summary Intune shows. Exit 0 when Windows ends up activated.
# Run as System, 64-bit PowerShell. Edit $exe if hciattest is installed elsewhere.
$exe = 'C:\Program Files\hciattest\hciattest.exe'
$dir = Join-Path $env:ProgramData 'hciattest'
New-Item -ItemType Directory -Force -Path $dir | Out-Null
$journal = Join-Path $dir ('activation-{0:yyyyMMddTHHmmssZ}.json' -f (Get-Date).ToUniversalTime())
# --apply writes the journal before each change; its exit code is 0 on success, 1 otherwise.
$line = & $exe activate --apply --journal $journal --output summary
$code = $LASTEXITCODE
Write-Output $line
exit $code
