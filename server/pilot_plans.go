package server

// Pilot batches, service plans, review and the typical service-plan catalogue.

func (s *Server) registerPilotPlanAPI() {}

func (s *Server) registerPilotPlanUI() error { return nil }
