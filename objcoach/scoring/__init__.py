"""Scoring a reply: text analysis, markers, guards, the score and its verdict, coaching and calibration."""
