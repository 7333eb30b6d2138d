"""Reports have no admin: goals, measurements and the plan are the PPR leader's, edited in the
app with an audit trail; the administrator manages users and organisation, not content."""
