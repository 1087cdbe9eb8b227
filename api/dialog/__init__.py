"""What the ticket dialog needs from the API: answer checks, field extraction, notices and contacts."""
