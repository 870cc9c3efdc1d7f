"""Bulk scoring with Spark (npm run score:spark): inputs and outputs, and the executors' scoring."""
