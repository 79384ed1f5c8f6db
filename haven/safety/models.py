# Blocks, flags, reports and evidence arrive with the member-safety issue.
