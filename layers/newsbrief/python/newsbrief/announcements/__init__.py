"""What the stack tells the newsroom's own systems through its EventBridge bus."""
