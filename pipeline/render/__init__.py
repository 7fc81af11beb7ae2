"""Every output writer: the signed pieces of each output file and their templates."""
