package store

import "golang.org/x/sync/errgroup"

type Store struct{ m map[string]int }

func (s *Store) Put(k string) {
	s.m[k]++ // culprit: thirdparty
}

func Run(s *Store) error {
	var g errgroup.Group
	for i := 0; i < 2; i++ {
		g.Go(func() error {
			s.Put("k")
			return nil
		})
	}
	return g.Wait()
}
