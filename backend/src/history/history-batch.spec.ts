import { strictDouble } from '../../test/unit/strict-double';
import { BatchSink, parseEvent, writeOrSetAside } from './history-batch';
import type { HistoryEvent } from './history-events';

const deleted = (id: string): HistoryEvent => ({ type: 'job-deleted', id, owner: 'alice' });
const raw = (event: HistoryEvent) => ({ raw: JSON.stringify(event) });

function sink(write: BatchSink['write'], ping: BatchSink['ping'] = async () => undefined) {
  return strictDouble<BatchSink>('sink', { write, ping, setAside: async () => undefined });
}

describe('writeOrSetAside', () => {
  it('writes a batch in one write, and sets aside what is not a history event', async () => {
    const target = sink(async () => undefined);
    const written = await writeOrSetAside([raw(deleted('a')), { raw: 'not json' }, { raw: '{"type":"mystery"}' }, raw(deleted('b'))], target);
    expect(written).toBe(2);
    expect(target.write).toHaveBeenCalledTimes(1);
    expect(target.write).toHaveBeenCalledWith([deleted('a'), deleted('b')]);
    expect(target.setAside.mock.calls).toEqual([
      ['not json', 'not a history event'],
      ['{"type":"mystery"}', 'not a history event'],
    ]);
  });

  it('isolates a poison event: the database refuses the batch, so each is written alone and only the refused one is set aside', async () => {
    const target = sink(async (events) => {
      if (events.some((event) => event.type === 'job-deleted' && event.id === 'poison')) throw new Error('value too long for type character varying(64)');
    });
    const written = await writeOrSetAside([raw(deleted('a')), raw(deleted('poison')), raw(deleted('b'))], target);
    expect(written).toBe(2);
    expect(target.write.mock.calls.map(([events]) => events.length)).toEqual([3, 1, 1, 1]);
    expect(target.setAside).toHaveBeenCalledWith(JSON.stringify(deleted('poison')), 'value too long for type character varying(64)');
    expect(target.setAside).toHaveBeenCalledTimes(1);
  });

  it('sets nothing aside while the database is away: the whole batch fails and waits in the stream', async () => {
    const target = sink(
      async () => Promise.reject(new Error('ECONNREFUSED')),
      async () => Promise.reject(new Error('database away')),
    );
    await expect(writeOrSetAside([raw(deleted('a'))], target)).rejects.toThrow('database away');
    expect(target.setAside).not.toHaveBeenCalled();
    expect(target.write).toHaveBeenCalledTimes(1);
  });
});

describe('parseEvent', () => {
  it('reads the four event types and nothing else', () => {
    expect(parseEvent(JSON.stringify(deleted('a')))).toEqual(deleted('a'));
    expect(parseEvent('null')).toBeNull();
    expect(parseEvent('[1]')).toBeNull();
    expect(parseEvent('{"type":"prediction"')).toBeNull();
  });
});
