"""Use cases. Each public function opens one transaction on the session it is given."""
