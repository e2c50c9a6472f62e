"""What every side shares to follow the event log: connections, the follower, its status."""
