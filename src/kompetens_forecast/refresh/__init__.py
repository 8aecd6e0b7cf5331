"""`forecast refresh`: a scheduled job's fetch-what-changed, rebuild-what-it-affects run."""
