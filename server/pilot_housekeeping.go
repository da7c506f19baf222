package server

import "context"

// pilotHousekeeping runs the pilot's periodic work: overdue-report reminders,
// the supervision statistics refresh and scheduled bulletins. Maintain calls
// it at start and every ten minutes.
func (s *Server) pilotHousekeeping(ctx context.Context) {
	s.remindReports(ctx)
	s.refreshStats(ctx)
	s.generateBulletins(ctx)
}
