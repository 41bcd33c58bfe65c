# Intune Remediations, detection script: exit 1 when Windows is not activated and hciattest's
# plan can fix it, so that Intune runs remediate.ps1; exit 0 otherwise. Intune keeps 2,048
# characters of output: hciattest's summary is one line that always fits.
# Run as System, 64-bit PowerShell. Edit $exe if hciattest is installed elsewhere.
$exe = 'C:\Program Files\hciattest\hciattest.exe'
if (-not (Test-Path -LiteralPath $exe)) { Write-Output "hciattest not found at $exe"; exit 0 }
# --plan changes nothing. Its exit code: 0 activated, 3 fixable, 1 refused (a fix needs a person).
$line = & $exe activate --plan --output summary
$code = $LASTEXITCODE
Write-Output $line
# Only "fixable" triggers the remediation; a refusal is reported, not retried every day.
if ($code -eq 3) { exit 1 } else { exit 0 }
