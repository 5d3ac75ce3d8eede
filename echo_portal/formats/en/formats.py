"""English dates as the portal's own sentences write them ("December 8, 2022"): Django's English writes the
month as the AP stylebook does ("Dec. 8, 2022" but "July 14, 2022"), which put both styles side by side on
pages that use both. Everything not named here is Django's English."""

DATE_FORMAT = "F j, Y"
