package org.nstcg.integrity.console.viewmodel.users;

import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.lookup.UserDetails;
import org.nstcg.integrity.engine.lookup.UserMatch;

/** The look-up calls the Users screen makes (the wiring checks the permission on each). */
public interface UsersSource {

    List<UserMatch> search(String query, int limit);

    Optional<UserDetails> details(long userId);
}
