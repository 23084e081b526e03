"""The web console: a second front end on the agent desk (desk/) for agents, trainers and the owner."""
