package discord

import "sync"

// serial runs work for one key at a time, in the order it was given, each
// key on its own goroutine while it has work: the direct messages of one
// person are handled in the order they were sent, and nobody waits for
// another person's.
type serial struct {
	// spawn starts a key's goroutine (the adapter counts them, to wait for
	// them on shutdown).
	spawn  func(func())
	mu     sync.Mutex
	queues map[string][]func()
}

func (s *serial) do(key string, work func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.queues == nil {
		s.queues = map[string][]func(){}
	}
	q, running := s.queues[key]
	s.queues[key] = append(q, work)
	if !running {
		s.spawn(func() { s.drain(key) })
	}
}

func (s *serial) drain(key string) {
	for {
		s.mu.Lock()
		q := s.queues[key]
		if len(q) == 0 {
			delete(s.queues, key)
			s.mu.Unlock()
			return
		}
		work := q[0]
		s.queues[key] = q[1:]
		s.mu.Unlock()
		work()
	}
}
