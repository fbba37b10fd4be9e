//! The PowerShell functions every planned script defines (after the shared ones of
//! `script.rs`): fixed text with no values, so nothing in it needs quoting.

/// Helper functions for planned scripts: fixed text, no values.
pub(super) const PLAN_HELPERS: &str = r#"function Invoke-CertprepChange {
    # Runs one changing cmdlet and stops the script on any error it reports. Exchange cmdlets in
    # the Exchange Management Shell are implicit-remoting proxies: -ErrorAction applies on the
    # server, errors arrive here as non-terminating ones, and this script's
    # $ErrorActionPreference does not reach the proxy module (PowerShell-Docs issue #1583).
    # So: an exception, $? false, or a new record in $Error all stop the script.
    param([string]$What, [scriptblock]$Change)
    $last = $null
    if ($global:Error.Count -gt 0) { $last = $global:Error[0] }
    $failure = $null
    $output = $null
    try {
        $output = & $Change
        if (-not $?) { $failure = 'the cmdlet reported an error' }
    } catch {
        $failure = $_.Exception.Message
    }
    if ($null -eq $failure -and $global:Error.Count -gt 0 -and -not [object]::ReferenceEquals($global:Error[0], $last)) {
        $failure = [string]$global:Error[0]
    }
    if ($null -ne $failure) {
        throw ('Stopped at "' + $What + '": ' + $failure + ' Nothing after it ran. Fix the cause and run again, or run this script with -Rollback.')
    }
    return $output
}

function Compare-CertprepValue {
    # '' when equal (case-sensitive, $null and '' alike), else a line describing the drift.
    param([string]$What, $Actual, $Expected)
    if ([string]$Actual -cne [string]$Expected) {
        return ($What + ': now "' + [string]$Actual + '", collected "' + [string]$Expected + '"')
    }
    return ''
}

function ConvertTo-CertprepServiceSet {
    param($Services)
    return (@(([string]$Services) -split ',' | ForEach-Object { $_.Trim().ToUpperInvariant() } | Where-Object { $_ -and $_ -ne 'NONE' }) | Sort-Object) -join ','
}

function Compare-CertprepServices {
    param([string]$What, $Actual, [string]$Expected)
    return Compare-CertprepValue -What $What -Actual (ConvertTo-CertprepServiceSet $Actual) -Expected (ConvertTo-CertprepServiceSet $Expected)
}

function Assert-CertprepValue {
    # Reads back one effect; stops the script when it is not what was set.
    param([string]$What, $Actual, $Expected)
    if ($WhatIf) { return }
    $drift = Compare-CertprepValue -What $What -Actual $Actual -Expected $Expected
    if ($drift) { throw ('Stopped: read back ' + $drift + ' (expected). Run this script with -Rollback.') }
}

function Assert-CertprepServices {
    # Every expected service is enabled (Enable-ExchangeCertificate only adds services).
    param([string]$What, $Actual, [string]$Expected)
    if ($WhatIf) { return }
    $have = (ConvertTo-CertprepServiceSet $Actual) -split ','
    foreach ($service in ((ConvertTo-CertprepServiceSet $Expected) -split ',')) {
        if ($have -notcontains $service) { throw ('Stopped: ' + $What + ' lacks ' + $service + '. Run this script with -Rollback.') }
    }
}

function Test-CertprepStatus {
    # 0 when the certificate's Status is Valid on the server, else 1 with a warning.
    param([string]$Server, [string]$Thumbprint)
    $certificate = Get-ExchangeCertificate -Server $Server -Thumbprint $Thumbprint -ErrorAction SilentlyContinue
    if ($null -eq $certificate -or [string]$certificate.Status -ne 'Valid') {
        Write-Warning ($Server + ': the new certificate''s Status is not Valid')
        return 1
    }
    Write-Host ('  OK  ' + $Server + ': Status Valid')
    return 0
}

function Test-CertprepPresented {
    # 0 when the server presents the certificate on the port (TLS directly, or SMTP STARTTLS),
    # else 1 with a warning. Validation is off on purpose: this reports what is presented.
    param([string]$ComputerName, [int]$Port, [bool]$SmtpStartTls, [string]$Thumbprint)
    $client = New-Object -TypeName System.Net.Sockets.TcpClient
    try {
        $client.ReceiveTimeout = 15000
        $client.SendTimeout = 15000
        $client.Connect($ComputerName, $Port)
        $stream = $client.GetStream()
        if ($SmtpStartTls) {
            $reader = New-Object -TypeName System.IO.StreamReader -ArgumentList $stream, ([System.Text.Encoding]::ASCII)
            $writer = New-Object -TypeName System.IO.StreamWriter -ArgumentList $stream, ([System.Text.Encoding]::ASCII)
            $writer.NewLine = "`r`n"
            $writer.AutoFlush = $true
            $reply = Read-CertprepSmtpReply -Reader $reader
            if (-not $reply.StartsWith('220')) { throw ('no SMTP greeting: ' + $reply) }
            $writer.WriteLine('EHLO certprep.invalid')
            $reply = Read-CertprepSmtpReply -Reader $reader
            if ($reply -notmatch '250[ -]STARTTLS') { throw ('STARTTLS is not offered: ' + $reply) }
            $writer.WriteLine('STARTTLS')
            $reply = Read-CertprepSmtpReply -Reader $reader
            if (-not $reply.StartsWith('220')) { throw ('STARTTLS refused: ' + $reply) }
        }
        $accept = [System.Net.Security.RemoteCertificateValidationCallback] { $true }
        $tls = New-Object -TypeName System.Net.Security.SslStream -ArgumentList $stream, $false, $accept
        $tls.AuthenticateAsClient($ComputerName)
        $presented = New-Object -TypeName System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList $tls.RemoteCertificate
        $tls.Dispose()
        if ($presented.Thumbprint -ne $Thumbprint) {
            Write-Warning ($ComputerName + ':' + $Port + ' presents ' + $presented.Thumbprint + ' ' + $presented.Subject)
            return 1
        }
        Write-Host ('  OK  ' + $ComputerName + ':' + $Port + ' presents the new certificate')
        return 0
    } catch {
        Write-Warning ($ComputerName + ':' + $Port + ': TLS check failed: ' + $_.Exception.Message)
        return 1
    } finally {
        $client.Close()
    }
}
"#;
