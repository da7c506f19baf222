package server

import "context"

// Pilot projects, milestones, periodic reports and the case library.

func (s *Server) registerPilotProjectAPI() {}

func (s *Server) registerPilotProjectUI() error { return nil }

// remindReports raises reminders for periodic reports past their due date.
func (s *Server) remindReports(ctx context.Context) {}
