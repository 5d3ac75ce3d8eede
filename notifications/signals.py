"""What delivery tells the apps that queued an email. This app knows no domain: receivers decide what it means."""

from django.dispatch import Signal

# The mail server refused the recipient's address for good (an SMTP 5xx answer to RCPT TO). Sent with
# `outbound` (the OutboundEmail row, already marked failed) after the refusal is recorded.
recipient_refused = Signal()
