"""Reports for managers (SPEC 3.8): load balance, response times, support cost, topics, team load."""
