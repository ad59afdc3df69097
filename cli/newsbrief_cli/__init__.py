"""`newsbrief`: the command-line client of a Newsbrief stack, local or deployed."""
