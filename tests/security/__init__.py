"""Issue 13: each test replays an attack through the real stack."""
