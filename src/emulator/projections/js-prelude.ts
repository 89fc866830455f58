/**
 * The JavaScript a user projection's sandbox runs before the query: the projection language of the server's
 * runtime (EventStore.Projections.Core/Services/Interpreted/JintProjectionStateHandler.cs, 24.10), written for
 * the sandbox. The query declares its sources and handlers through the globals defined here; once compiled,
 * the definition functions are removed (the server's `SwitchToExecutionMode`) and the host drives the handlers
 * through the hidden `__esdb` object. Values cross the sandbox's boundary only as strings, numbers and
 * booleans, so no object of the host realm ever reaches the query's code.
 *
 * Error texts follow .NET's argument exceptions, which the server's fault messages carry. As the server's
 * builder does, a query takes every event of its sources until a handler names an event type (`AllEvents`,
 * then `NotAllEvents`), so a query with no such handler gets each event's body as its state.
 */
export const SANDBOX_PRELUDE = String.raw`
(function (global) {
  'use strict';
  var nullArg = function (name) { return new Error('Value cannot be null. (Parameter \'' + name + '\')'); };
  var badArg = function (text, name) {
    return new Error(name === undefined ? text : text + ' (Parameter \'' + name + '\')');
  };
  var def = {
    allStreams: false, streams: [], categories: [], allEvents: true, events: [], byStream: false,
    byCustomPartitions: false, producesResults: false, definesStateTransform: false, definesFold: false,
    handlesDeletedNotifications: false, includeLinks: false, reorderEvents: false, processingLag: 0,
    biState: false, resultStreamName: null, partitionResultStreamNamePattern: null
  };
  var handlers = Object.create(null);
  var hooks = { init: null, initShared: null, any: null, deleted: null, partition: null, created: [] };
  var transforms = [];
  var emitted = [], states = new Map(), shared;

  function addHandler(name, fn) {
    switch (name) {
      case '$init': hooks.init = fn; break;
      case '$initShared': def.biState = true; hooks.initShared = fn; break;
      case '$any': hooks.any = fn; def.allEvents = true; break;
      case '$created': hooks.created.push(fn); break;
      case '$deleted':
        if (def.biState) throw new Error('Cannot handle deletes in bi-state projections');
        def.handlesDeletedNotifications = true; hooks.deleted = fn; break;
      default:
        def.allEvents = false;
        if (def.events.indexOf(name) < 0) def.events.push(name);
        handlers[name] = fn;
    }
  }

  var next = {
    fromStream: ['when', 'partitionBy', 'outputState'],
    fromAll: ['when', 'partitionBy', 'outputState', 'foreachStream'],
    fromStreams: ['when', 'partitionBy', 'outputState'],
    fromCategory: ['when', 'partitionBy', 'outputState', 'foreachStream'],
    when: ['transformBy', 'filterBy', 'outputState', 'outputTo', '$defines_state_transform'],
    foreachStream: ['when'],
    outputState: ['transformBy', 'filterBy', 'outputTo'],
    partitionBy: ['when'],
    transformBy: ['transformBy', 'filterBy', 'outputState', 'outputTo'],
    filterBy: ['transformBy', 'filterBy', 'outputState', 'outputTo'],
    outputTo: [],
    execution: []
  };
  var chain = {};
  var steps = {
    when: function (spec) {
      if (spec !== null && typeof spec === 'object') {
        Object.keys(spec).forEach(function (key) { if (typeof spec[key] === 'function') addHandler(key, spec[key]); });
      }
      def.definesFold = true;
      return restrict('when');
    },
    partitionBy: function (fn) {
      if (typeof fn !== 'function') throw badArg('partitionBy');
      def.byCustomPartitions = true; hooks.partition = fn;
      return restrict('partitionBy');
    },
    foreachStream: function () { def.byStream = true; return restrict('foreachStream'); },
    outputState: function () { def.producesResults = true; return restrict('outputState'); },
    outputTo: function (resultStream, pattern) {
      if (arguments.length !== 1 && arguments.length !== 2) throw badArg('invalid number of parameters');
      if (typeof resultStream !== 'string') throw badArg('expected string value', 'resultStream');
      if (arguments.length === 2 && typeof pattern !== 'string') {
        throw badArg('expected string value', 'partitionResultStreamPattern');
      }
      def.resultStreamName = resultStream.trim() === '' ? null : resultStream;
      if (arguments.length === 2) def.partitionResultStreamNamePattern = pattern.trim() === '' ? null : pattern;
      return restrict('outputTo');
    },
    transformBy: function (fn) { return addTransform('transformBy', 'transform', fn); },
    filterBy: function (fn) { return addTransform('filterBy', 'filter', fn); },
    $defines_state_transform: function () { def.definesStateTransform = true; def.producesResults = true; }
  };
  function addTransform(step, kind, fn) {
    if (typeof fn !== 'function') throw badArg('expected function');
    def.definesStateTransform = true; def.producesResults = true;
    transforms.push({ kind: kind, fn: fn });
    return restrict(step);
  }
  function restrict(step) {
    Object.keys(chain).forEach(function (key) { delete chain[key]; });
    next[step].forEach(function (key) { chain[key] = steps[key]; });
    return chain;
  }

  var definitions = {
    options: function (opts) {
      if (opts !== null && typeof opts === 'object') Object.keys(opts).forEach(function (k) { setOption(k, opts[k]); });
    },
    fromStream: function (stream) {
      if (typeof stream !== 'string') throw badArg('stream');
      def.streams.push(stream);
      return restrict('fromStream');
    },
    fromCategory: fromCategory,
    fromCategories: fromCategory,
    fromAll: function () { def.allStreams = true; return restrict('fromAll'); },
    fromStreams: function (first) {
      var list = Array.isArray(first) ? first : Array.prototype.slice.call(arguments);
      list.forEach(function (s) { if (typeof s !== 'string') throw badArg('streams'); def.streams.push(s); });
      return restrict('fromStreams');
    },
    on_event: function (name, fn) {
      if (arguments.length !== 2) throw badArg('invalid number of parameters');
      if (typeof name !== 'string') throw badArg('eventName');
      if (typeof fn !== 'function') throw badArg('eventHandler');
      addHandler(name, fn);
    },
    on_any: function (fn) {
      if (arguments.length !== 1) throw badArg('invalid number of parameters');
      if (typeof fn !== 'function') throw badArg('eventHandler');
      addHandler('$any', fn);
    }
  };
  function fromCategory() {
    var args = Array.prototype.slice.call(arguments);
    if (args.length === 0) return chain;
    var many = args.length === 1 && Array.isArray(args[0]) ? args[0] : args.length > 1 ? args : null;
    if (many !== null) {
      many.forEach(function (c) { if (typeof c !== 'string') throw badArg('categories'); def.streams.push('$ce-' + c); });
    } else {
      if (typeof args[0] !== 'string') throw badArg('category');
      def.categories.push(args[0]);
    }
    return restrict('fromCategory');
  }
  var optionKinds = {
    '$includelinks': ['boolean', 'includeLinks'], 'reorderevents': ['boolean', 'reorderEvents'],
    'processinglag': ['number', 'processingLag'], 'resultstreamname': ['string', 'resultStreamName'],
    'bistate': ['boolean', 'biState']
  };
  function setOption(key, value) {
    var kind = optionKinds[key.toLowerCase()];
    if (kind === undefined) throw new Error('Unrecognized option: ' + key);
    if (typeof value !== kind[0]) throw new Error('Invalid value');
    if (kind[1] === 'processingLag') value = Math.trunc(value);
    if (kind[1] === 'resultStreamName' && value.trim() === '') value = null;
    def[kind[1]] = value;
  }

  function serialize(value) {
    if (value === undefined || value === null) return null;
    if (typeof value === 'string') return value;
    return JSON.stringify(value);
  }
  function rawOf(value) {
    if (typeof value === 'string') return '"' + value + '"';
    if (typeof value === 'boolean' || typeof value === 'number') return String(value);
    if (value === null || value === undefined) return null;
    return JSON.stringify(value);
  }
  function requireText(value, name) {
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (value === null || value === undefined || typeof value === 'string') throw nullArg(name);
    throw badArg('string expected', name);
  }
  function requireObject(value, name) {
    if (value === null || value === undefined) throw nullArg(name);
    if (typeof value !== 'object' && typeof value !== 'function') throw badArg('object expected', name);
    return value;
  }
  function extraOf(metadata, raw) {
    if (metadata === undefined) return [];
    return Object.keys(metadata).filter(function (key) { return raw || metadata[key] !== undefined; })
      .map(function (key) { return [key, raw ? rawOf(metadata[key]) : JSON.stringify(metadata[key])]; });
  }
  var io = {
    emit: function (stream, eventType, body, metadata) {
      if (arguments.length < 3) throw badArg('invalid number of parameters');
      stream = requireText(stream, 'streamId');
      eventType = requireText(eventType, 'eventName');
      requireObject(body, 'eventBody');
      if (arguments.length === 4 && (metadata === null || typeof metadata !== 'object')) {
        throw badArg('object expected', 'metadata');
      }
      emitted.push({ kind: 'emit', stream: stream, eventType: eventType, isJson: true,
        data: JSON.stringify(body), extra: extraOf(metadata, false) });
    },
    linkTo: function (stream, event, metadata) {
      if (arguments.length !== 2 && arguments.length !== 3) throw badArg('wrong number of parameters');
      stream = requireText(stream, 'streamId');
      requireObject(event, 'event');
      var number = event.sequenceNumber, source = event.streamId;
      if (typeof number !== 'number' || typeof source !== 'string') {
        throw new Error('Invalid link to event ' + number + '@' + source);
      }
      if (arguments.length === 3) requireObject(metadata, 'metaData');
      emitted.push({ kind: 'emit', stream: stream, eventType: '$>', isJson: false,
        data: Math.trunc(number) + '@' + source, extra: extraOf(metadata, true) });
    },
    linkStreamTo: function (stream, linkedStream) {
      stream = requireText(stream, 'streamId');
      linkedStream = requireText(linkedStream, 'linkedStreamId');
      emitted.push({ kind: 'emit', stream: stream, eventType: '$@', isJson: false, data: linkedStream, extra: [] });
    },
    copyTo: function () { return undefined; }, log: function () { return undefined; }
  };
  [io, definitions].forEach(function (group) {
    Object.keys(group).forEach(function (name) {
      Object.defineProperty(global, name, { value: group[name], writable: true, configurable: true });
    });
  });
  Object.defineProperty(global, '__esdb', { value: makeHost(), writable: false, configurable: false });

  function envelopeOf(fields) {
    var env = {
      partition: fields.partition, bodyRaw: fields.bodyRaw, metadataRaw: fields.metadataRaw,
      streamId: fields.streamId, eventId: fields.eventId, eventType: fields.eventType,
      linkMetadataRaw: fields.linkMetadataRaw, isJson: fields.isJson, category: fields.category,
      sequenceNumber: fields.sequenceNumber
    };
    lazyJson(env, ['body', 'data'], fields.isJson ? fields.bodyRaw : undefined);
    lazyJson(env, ['metadata'], fields.metadataRaw);
    lazyJson(env, ['linkMetadata'], fields.linkMetadataRaw);
    return env;
  }
  function lazyJson(env, names, raw) {
    if (raw === undefined) return;
    var parsed, done = false;
    var get = function () {
      if (!done) { parsed = raw === null ? null : JSON.parse(raw); done = true; } return parsed;
    };
    names.forEach(function (name) { Object.defineProperty(env, name, { get: get, enumerable: true }); });
  }
  function stateArgument(partition) {
    var state = states.get(partition);
    return def.biState ? [state, shared] : state;
  }
  function keep(partition, value) {
    if (def.biState && Array.isArray(value)) { states.set(partition, value[0]); shared = value[1]; } else states.set(partition, value);
  }
  function output(partition) {
    var out = { state: serialize(states.get(partition)), shared: def.biState ? serialize(shared) : null, emitted: emitted };
    emitted = []; return JSON.stringify(out);
  }

  function makeHost() {
    return {
      compiled: function () {
        Object.keys(definitions).forEach(function (name) { delete global[name]; });
        restrict('execution'); return JSON.stringify(def);
      },
      init: function (p) { states.set(p, hooks.init === null ? {} : hooks.init()); return serialize(states.get(p)); },
      initShared: function () { shared = hooks.initShared === null ? {} : hooks.initShared(); },
      loadShared: function (text) { shared = JSON.parse(text); },
      load: function (partition, text) { states.set(partition, text === null ? null : JSON.parse(text)); },
      partitionOf: function (fieldsJson) {
        if (hooks.partition === null) return null;
        var value = hooks.partition(envelopeOf(JSON.parse(fieldsJson)));
        if (typeof value === 'number') return String(value);
        return typeof value === 'string' ? value : null;
      },
      created: function (partition, fieldsJson) {
        var env = envelopeOf(JSON.parse(fieldsJson));
        hooks.created.forEach(function (fn) { fn(stateArgument(partition), env); });
        return output(partition);
      },
      handle: function (partition, fieldsJson) {
        var env = envelopeOf(JSON.parse(fieldsJson));
        var fn = handlers[env.eventType] !== undefined ? handlers[env.eventType] : hooks.any;
        var before = stateArgument(partition);
        var after = fn === null ? env.bodyRaw : fn(before, env);
        keep(partition, after === undefined ? before : after);
        return output(partition);
      },
      deleted: function (partition, soft) {
        if (hooks.deleted !== null) hooks.deleted(stateArgument(partition), null, partition, soft);
        return output(partition);
      },
      result: function (partition) {
        var state = states.get(partition);
        for (var i = 0; i < transforms.length; i++) {
          var t = transforms[i];
          if (t.kind === 'transform') state = t.fn(state);
          else if (t.fn(state) !== true) return null;
          if (state === null || state === undefined) return null;
        }
        return state === null || state === undefined ? null : JSON.stringify(state);
      }
    };
  }
})(globalThis);
`;
