"""The claim desk's writes. The admin, the API and the tasks all go through these functions."""
