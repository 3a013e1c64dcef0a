"""What this machine has: fonts, LibreOffice and the doctor command."""
